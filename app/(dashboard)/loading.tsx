/** While a dashboard page loads on the server (issue 21): a busy state that assistive technology can read. */
export default function Loading() {
  return (
    <div aria-busy="true" className="py-12 text-center text-sm text-muted">
      <p role="status">Loading…</p>
    </div>
  );
}
