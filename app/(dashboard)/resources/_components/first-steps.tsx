import Link from "next/link";

/** The path from nothing to an enforced MCP server, for empty states. */
export function FirstSteps({ hasProfiles }: { hasProfiles: boolean }) {
  const steps = [
    <>
      <Link href="/idp-profiles/new" className="text-link underline">
        Create an IdP profile
      </Link>{" "}
      for the identity provider that issues your tokens, and run Test connection
      {hasProfiles ? " (done: you have one)" : ""}.
    </>,
    <>Register the MCP server as a resource: its canonical URI and the audiences its tokens carry.</>,
    <>Set scopes and the tool allowlist (unlisted tools are denied by default).</>,
    <>Publish: the draft becomes a signed, numbered config version.</>,
    <>Create an enforcer credential and embed the enforcer in front of your MCP server.</>,
  ];
  return (
    <ol className="list-decimal space-y-2 pl-5 text-sm text-slate-700 dark:text-slate-300">
      {steps.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed, ordered list
        <li key={i}>{s}</li>
      ))}
    </ol>
  );
}
