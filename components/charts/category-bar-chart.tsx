"use client";

import { useId } from "react";
import { Bar, BarChart, CartesianGrid, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { legendText, TOOLTIP_STYLE, TOOLTIP_TEXT_STYLE } from "./palette";
import { cssSafeId, patternFill, SeriesPatterns } from "./patterns";
import type { Series } from "./time-series-chart";

/**
 * Values per category (tools, clients, downstreams) as horizontal bars, stacked or grouped.
 * aria-hidden like the time series: its ChartCard gives the same numbers as a text summary and a table.
 */
export function CategoryBarChart({
  data,
  category,
  series,
  label,
  stacked = false,
  unit,
}: {
  data: readonly Record<string, string | number | null | boolean>[];
  category: string;
  series: readonly Series[];
  label: string;
  stacked?: boolean;
  unit?: string;
}) {
  const height = Math.max(120, 36 + data.length * (stacked ? 26 : 14 * series.length + 10));
  const prefix = cssSafeId(useId());
  return (
    <figure aria-label={label} className="m-0">
      <div style={{ height }} aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart
            accessibilityLayer={false}
            data={[...data]}
            layout="vertical"
            margin={{ top: 4, right: stacked ? 16 : 48, bottom: 0, left: 8 }}
          >
            <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} horizontal={false} />
            <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11, fill: "currentColor" }} unit={unit} />
            <YAxis
              type="category"
              dataKey={category}
              width={120}
              tick={{ fontSize: 11, fill: "currentColor" }}
              tickFormatter={(v: string) => (v.length > 18 ? `${v.slice(0, 17)}…` : v)}
            />
            <Tooltip
              contentStyle={TOOLTIP_STYLE}
              labelStyle={TOOLTIP_TEXT_STYLE}
              itemStyle={TOOLTIP_TEXT_STYLE}
              formatter={(v) => (unit ? `${v} ${unit}` : String(v))}
            />
            {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} /> : null}
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
              >
                {/* Direct labels: each bar says its value (grouped bars only; stacked totals are in the table). */}
                {stacked ? null : (
                  <LabelList
                    dataKey={s.key}
                    position="right"
                    fontSize={11}
                    fill="currentColor"
                    formatter={(v) => (v === null || v === undefined ? "" : unit ? `${v} ${unit}` : String(v))}
                  />
                )}
              </Bar>
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
