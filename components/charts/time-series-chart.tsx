"use client";

import { useId } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatTick, legendText, TOOLTIP_STYLE, TOOLTIP_TEXT_STYLE } from "./palette";
import { cssSafeId, patternFill, SeriesPatterns } from "./patterns";

export interface Series {
  key: string;
  label: string;
  color: string;
}

/**
 * Counts per time bucket as (stacked) bars. The SVG is decorative for assistive technology: every
 * chart of the dashboard sits next to a text summary of the same numbers, so it is aria-hidden with
 * a label on the figure.
 */
export function TimeSeriesChart({
  data,
  series,
  stepMinutes,
  label,
  stacked = true,
  height = 240,
}: {
  data: readonly Record<string, string | number>[];
  series: readonly Series[];
  stepMinutes: number;
  label: string;
  stacked?: boolean;
  height?: number;
}) {
  const prefix = cssSafeId(useId());
  return (
    <figure aria-label={label} className="m-0">
      <div style={{ height }} aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart accessibilityLayer={false} data={[...data]} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} vertical={false} />
            <XAxis
              dataKey="t"
              tickFormatter={(v: string) => formatTick(v, stepMinutes)}
              tick={{ fontSize: 11, fill: "currentColor" }}
              minTickGap={24}
            />
            <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "currentColor" }} width={48} />
            <Tooltip
              labelFormatter={(v) => `${formatTick(String(v), Math.min(stepMinutes, 59))} UTC`}
              contentStyle={TOOLTIP_STYLE}
              labelStyle={TOOLTIP_TEXT_STYLE}
              itemStyle={TOOLTIP_TEXT_STYLE}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
            <SeriesPatterns prefix={prefix} colors={series.map((s) => s.color)} />
            {series.map((s, i) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.label}
                fill={patternFill(prefix, i)}
                stroke={s.color}
                stackId={stacked ? "a" : undefined}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
