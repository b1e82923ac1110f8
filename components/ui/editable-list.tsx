"use client";

import { type ReactNode, useRef, useState } from "react";
import { Button } from "./button";
import { StatusLine, useFocusNext } from "./focus-management";

const th = "py-2 pr-3 text-left text-xs font-medium uppercase text-muted";

/**
 * The one add/remove-row editor (scopes, methods, tools): a table of rows whose cells the caller renders,
 * a "Remove" button per row, and an add form under it. The rows are the caller's state; this component
 * only lays them out and says which row changes.
 *
 * @example
 * <EditableList noun="scope" columns={["Scope", "Description"]} rows={scopes} rowKey={(s) => s.name}
 *   onChange={setScopes} cells={(s, update) => <td>{s.name}</td>}
 *   add={{ label: "Add scope", fields: <input …/>, onAdd: () => validateAndAdd() }} />
 */
export function EditableList<T>({
  noun,
  columns,
  rows,
  rowKey,
  onChange,
  cells,
  rowTestId,
  empty,
  add,
}: {
  /** What a row is, for the remove buttons ("Remove scope files:read"). */
  noun: string;
  /** Column headings (the remove column gets a screen-reader-only heading). */
  columns: string[];
  rows: T[];
  rowKey: (row: T) => string;
  onChange: (rows: T[]) => void;
  /** The row's cells (`<td>`s), with a setter that patches this row. */
  cells: (row: T, update: (patch: Partial<T>) => void, index: number) => ReactNode;
  rowTestId?: (row: T) => string;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
  add?: {
    label: string;
    fields: ReactNode;
    /** Adds the row(s); returns a message when the input is refused. */
    onAdd: () => string | undefined;
    disabled?: boolean;
    errorId?: string;
  };
}) {
  const [addError, setAddError] = useState<string>();
  const [removed, setRemoved] = useState<string>();
  const body = useRef<HTMLTableSectionElement>(null);
  const addForm = useRef<HTMLFormElement>(null);
  const focusNext = useFocusNext();
  // After a removal, focus moves to the next row's Remove button (or the previous one, or the add form's
  // first field when the list is empty), and the removal is announced: focus never falls to <body>.
  const remove = (i: number) => {
    const key = rowKey(rows[i] as T);
    onChange(rows.filter((_, j) => j !== i));
    setRemoved(`Removed ${noun} ${key}.`);
    focusNext(() => {
      const buttons = body.current?.querySelectorAll<HTMLElement>("button[data-remove]");
      const next = buttons?.[Math.min(i, buttons.length - 1)];
      return next ?? addForm.current?.querySelector<HTMLElement>("input,select,textarea,button");
    });
  };
  const update = (i: number) => (patch: Partial<T>) =>
    onChange(rows.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  return (
    <>
      {rows.length === 0 && empty ? empty : null}
      {rows.length > 0 ? (
        <table className="w-full text-sm">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} className={th}>
                  {c}
                </th>
              ))}
              <th className={th}>
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody ref={body} className="divide-y divide-slate-100 dark:divide-slate-800">
            {rows.map((row, i) => (
              <tr key={rowKey(row)} data-testid={rowTestId?.(row)}>
                {cells(row, update(i), i)}
                <td className="py-2 text-right">
                  <Button
                    variant="ghost"
                    data-remove
                    aria-label={`Remove ${noun} ${rowKey(row)}`}
                    onClick={() => remove(i)}
                  >
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <StatusLine className="sr-only">{removed}</StatusLine>
      {add ? (
        <form
          ref={addForm}
          className="mt-4"
          onSubmit={(e) => {
            e.preventDefault();
            setAddError(add.onAdd());
          }}
        >
          <div className="flex flex-wrap items-end gap-3">
            {add.fields}
            <Button type="submit" variant="secondary" disabled={add.disabled}>
              {add.label}
            </Button>
          </div>
          {addError ? (
            <p id={add.errorId} className="mt-1 text-xs text-red-700 dark:text-red-400">
              {addError}
            </p>
          ) : null}
        </form>
      ) : null}
    </>
  );
}
