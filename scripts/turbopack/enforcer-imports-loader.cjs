/**
 * Turbopack loader for lib/enforcer/**: the enforcer writes NodeNext imports ("./token/validator.js"
 * for validator.ts) so that `tsc` can publish it as plain ESM, but Turbopack does not map a `.js`
 * specifier to a `.ts` file (vercel/next.js#82945, webpack's resolve.extensionAlias). The control
 * plane imports the enforcer (the token debugger runs its validator), so inside those files the
 * relative `.js` extension is dropped before resolution. Nothing else changes.
 */
module.exports = function enforcerImportsLoader(source) {
  return source.replace(/((?:\bfrom|\bimport)\s*\(?\s*["'])(\.{1,2}\/[^"'\n]+?)\.js(["'])/g, "$1$2$3");
};
