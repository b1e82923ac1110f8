import { embedSnippet } from "@/components/snippets/enforcer-snippets";
import { CodeBlock } from "@/components/ui/code-block";

/**
 * How to put the enforcer in front of an MCP server (Node http + the official SDK transport), with telemetry and the
 * resource's Downstream APIs. The code comes from components/snippets, which tests compile and run (issue 13 #8).
 */
export function EmbedSnippet(props: {
  controlPlaneUrl: string;
  resourceId: string;
  name: string;
  uri: string;
  downstreams: readonly { name: string }[];
}) {
  return <CodeBlock label="Embed snippet (TypeScript)" code={embedSnippet(props)} testId="embed-snippet" />;
}
