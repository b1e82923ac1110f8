import { FORBIDDEN_TEXT, StatusPage } from "@/components/ui/status-page";

/** Inside the dashboard layout (navigation kept, the layout's <main> holds it). */
export default function Forbidden() {
  return <StatusPage title="Access denied" text={FORBIDDEN_TEXT} as="div" />;
}
