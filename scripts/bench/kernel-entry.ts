/**
 * What a kernel entry does to the TLB on this machine, for the benchmarks' footnotes: with page-table
 * isolation (the Meltdown mitigation) and no PCID, every system call and interrupt flushes it, so work a
 * request touches after one is cold again; without isolation, or with PCID, it is not.
 */
import { readFileSync } from "node:fs";

/** How this machine's kernel entries treat the TLB. @example describeKernelEntries() // "page-table isolation on, no PCID: …" */
export interface KernelEntries {
  /** Page-table isolation in use (`/sys/devices/system/cpu/vulnerabilities/meltdown` says "PTI"); undefined when unknown. */
  pti: boolean | undefined;
  /** The CPU shows the `pcid` flag to this kernel; undefined when unknown. */
  pcid: boolean | undefined;
}

/** Reads the two facts from `/sys` and `/proc` (undefined where they cannot be read). @example kernelEntries().pti */
export function kernelEntries(): KernelEntries {
  const read = (path: string) => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  };
  const meltdown = read("/sys/devices/system/cpu/vulnerabilities/meltdown");
  const flags = read("/proc/cpuinfo")?.match(/^flags\s*:(.*)$/m)?.[1];
  return {
    pti: meltdown === undefined ? undefined : /\bPTI\b/.test(meltdown),
    pcid: flags === undefined ? undefined : flags.split(/\s+/).includes("pcid"),
  };
}

/**
 * One sentence on this machine for a footnote. @example describeKernelEntries({ pti: false, pcid: true })
 */
export function describeKernelEntries(k: KernelEntries = kernelEntries()): string {
  if (k.pti === undefined || k.pcid === undefined)
    return "whether this kernel flushes the TLB at every entry is not known";
  if (k.pti && !k.pcid)
    return "this kernel runs with page-table isolation and no PCID, so every kernel entry flushes the TLB";
  return k.pti
    ? "this kernel runs with page-table isolation but with PCID, so kernel entries do not flush the whole TLB"
    : "this kernel runs without page-table isolation, so kernel entries do not flush the TLB";
}
