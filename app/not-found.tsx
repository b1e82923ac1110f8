import { NOT_FOUND_TEXT, StatusPage } from "@/components/ui/status-page";

export default function NotFound() {
  return <StatusPage title="Not found" text={NOT_FOUND_TEXT} />;
}
