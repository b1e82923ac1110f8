import { FORBIDDEN_TEXT, StatusPage } from "@/components/ui/status-page";

export default function Forbidden() {
  return <StatusPage title="Access denied" text={FORBIDDEN_TEXT} />;
}
