import { NOT_FOUND_TEXT, StatusPage } from "@/components/ui/status-page";

/** Inside the dashboard layout (navigation kept, the layout's <main> holds it). */
export default function NotFound() {
  return <StatusPage title="Not found" text={NOT_FOUND_TEXT} as="div" />;
}
