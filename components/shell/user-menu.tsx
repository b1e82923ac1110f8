"use client";

import { signOut } from "next-auth/react";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";

export function ThemeToggle() {
  const [dark, setDark] = useState(false);
  // Re-apply the saved choice on mount too: if React ever re-renders <html> on the client
  // (a hydration retry), the pre-paint script's class would otherwise be lost.
  useEffect(() => {
    const system = matchMedia("(prefers-color-scheme: dark)");
    // Nothing saved: the system preference, as the pre-paint script decides (its class can be lost when React
    // re-renders <html>, e.g. on a 403 page rendered after a forbidden() in the page), and it follows the
    // system while the page is open (an OS that turns dark at sunset); a saved choice wins.
    const apply = () => {
      const saved = localStorage.getItem("portcullis-theme");
      const isDark = saved ? saved === "dark" : system.matches;
      document.documentElement.classList.toggle("dark", isDark);
      setDark(isDark);
    };
    apply();
    system.addEventListener("change", apply);
    return () => system.removeEventListener("change", apply);
  }, []);
  function toggle() {
    const next = !dark;
    document.documentElement.classList.toggle("dark", next);
    localStorage.setItem("portcullis-theme", next ? "dark" : "light");
    setDark(next);
  }
  return (
    <Button
      variant="ghost"
      onClick={toggle}
      aria-label={dark ? "Switch to light theme" : "Switch to dark theme"}
      title="Toggle theme"
    >
      {dark ? "☀" : "☾"}
    </Button>
  );
}

export function SignOutButton() {
  return (
    <Button variant="secondary" onClick={() => signOut({ callbackUrl: "/signin" })}>
      Sign out
    </Button>
  );
}
