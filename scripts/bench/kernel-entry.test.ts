import { describe, expect, it } from "vitest";
import { describeKernelEntries, kernelEntries } from "./kernel-entry";

describe("kernel entries (the benchmarks' footnote on TLB flushes)", () => {
  it("says a flush happens only with page-table isolation and no PCID", () => {
    expect(describeKernelEntries({ pti: true, pcid: false })).toMatch(/every kernel entry flushes the TLB/);
    expect(describeKernelEntries({ pti: true, pcid: true })).toMatch(/do not flush the whole TLB/);
    expect(describeKernelEntries({ pti: false, pcid: true })).toMatch(/without page-table isolation/);
    expect(describeKernelEntries({ pti: false, pcid: false })).toMatch(/without page-table isolation/);
    expect(describeKernelEntries({ pti: undefined, pcid: true })).toMatch(/not known/);
  });

  it("reads this machine's facts (Linux: both known)", () => {
    const k = kernelEntries();
    if (process.platform !== "linux") return;
    expect(typeof k.pti).toBe("boolean");
    expect(typeof k.pcid).toBe("boolean");
  });
});
