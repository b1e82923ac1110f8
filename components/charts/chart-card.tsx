"use client";

import { type ReactNode, useId, useState } from "react";
import { Card } from "@/components/ui/card";
import { ScrollRegion } from "@/components/ui/scroll-region";

export interface ChartTable {
  /** The table's caption (also its scroll region's name). */
  caption: string;
  columns: { key: string; label: string; numeric?: boolean }[];
  rows: Record<string, ReactNode>[];
}

/**
 * The one card for a chart (issue 21): the chart itself is decorative for assistive technology (aria-hidden,
 * no tab stops), so the card says the same thing twice in text: a one-sentence summary under the chart and a
 * "Show as table" data table with every number. The table sits in a labelled, focusable scroll region, so it
 * never makes the page scroll sideways at 320 px.
 */
export function ChartCard({
  title,
  summary,
  text,
  table,
  wide,
  tableOpen = false,
  children,
}: {
  title: string;
  /** A short line beside the title (bucket size, unit). */
  summary?: ReactNode;
  /** The chart in one sentence ("1,204 requests: 1,180 allowed, 24 denied; most failures: expired (20)"). */
  text?: ReactNode;
  table?: ChartTable;
  wide?: boolean;
  /** Show the table from the start (when the numbers matter more than the picture). */
  tableOpen?: boolean;
  children: ReactNode;
}) {
  const [showTable, setShowTable] = useState(tableOpen);
  const tableId = useId();
  return (
    <Card title={title} summary={summary} className={wide ? "lg:col-span-2" : ""}>
      {children}
      {text || table ? (
        <div className="mt-3 flex flex-wrap items-start justify-between gap-2">
          {text ? <p className="min-w-0 flex-1 text-sm">{text}</p> : <span />}
          {table ? (
            <button
              type="button"
              aria-expanded={showTable}
              aria-controls={tableId}
              onClick={() => setShowTable((v) => !v)}
              className="min-h-6 shrink-0 rounded px-1 text-xs font-medium text-link underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
            >
              {showTable ? "Hide table" : "Show as table"}
            </button>
          ) : null}
        </div>
      ) : null}
      {table ? (
        <ScrollRegion id={tableId} hidden={!showTable} label={table.caption} className="mt-2 max-h-80 overflow-y-auto">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">{table.caption}</caption>
            <thead className="text-muted">
              <tr>
                {table.columns.map((c) => (
                  <th key={c.key} scope="col" className={`py-1 pr-3 font-medium ${c.numeric ? "text-right" : ""}`}>
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="tabular-nums">
              {table.rows.map((row, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows of a static snapshot
                <tr key={i} className="border-t border-slate-100 dark:border-slate-800">
                  {table.columns.map((c) => (
                    <td key={c.key} className={`py-1 pr-3 ${c.numeric ? "text-right" : ""}`}>
                      {row[c.key] ?? "–"}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      ) : null}
    </Card>
  );
}
