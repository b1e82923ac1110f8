import { ScrollRegion } from "./scroll-region";

/**
 * A code sample that may be wider than the screen: it scrolls inside a labelled region that Tab reaches
 * (issue 21: focusable, labelled code blocks), never the page.
 */
export function CodeBlock({
  label,
  code,
  className = "",
  testId,
}: {
  label: string;
  code: string;
  className?: string;
  testId?: string;
}) {
  return (
    <ScrollRegion
      label={label}
      className={`rounded-md bg-slate-900 dark:border dark:border-slate-700 dark:bg-slate-950 ${className}`}
    >
      <pre className="w-max min-w-full p-3 text-xs leading-relaxed text-slate-100" data-testid={testId}>
        <code>{code}</code>
      </pre>
    </ScrollRegion>
  );
}
