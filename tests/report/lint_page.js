// Lints the HTML report page's scripts (src/report/page/*.js) without anything from npm: parses
// each with the acorn parser that node itself ships, then reports every name used but never
// declared (a typo that would only fail when its branch runs in a browser), every variable or
// function declared but never used, loose equality (== and !=), a script that is not strict, and
// any way of turning a string into markup or code. Prints file:line:column: message per finding.
// Usage: node --expose-internals lint_page.js FILE.js...
// Exit status: 0 clean, 1 findings, 77 no acorn parser to be had (the test is then skipped).
"use strict";
const fs = require("fs");

// The parser bundled in node (--expose-internals), else an installed one (Debian's node-acorn).
let acorn = null;
for (const name of ["internal/deps/acorn/acorn/dist/acorn", "acorn"]) {
  try {
    acorn = require(name);
    break;
  } catch (error) {
    // try the next
  }
}
if (!acorn) {
  console.log("skipped: this node (" + process.version + ") lends no acorn parser (neither its own nor an installed one)");
  process.exit(77);
}

// What a browser page may use without declaring it; vegaEmbed comes from the inlined library.
const GLOBALS = new Set([
  "window", "document", "console", "JSON", "Math", "String", "Number", "Object", "Array", "Promise",
  "Node", "NodeFilter", "Error", "Date", "RegExp", "Boolean", "Map", "Set", "undefined", "Infinity", "NaN", "isNaN",
  "isFinite", "parseInt", "parseFloat", "setTimeout", "clearTimeout", "requestAnimationFrame",
  "vegaEmbed"]);
// Members that parse a string as HTML or write it into the document.
const HTML_SINKS = new Set(["innerHTML", "outerHTML", "insertAdjacentHTML", "write", "writeln", "srcdoc"]);

function isNode(value) { return value !== null && typeof value === "object" && typeof value.type === "string"; }
function children(node) {
  const out = [];
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) value.forEach(function (v) { if (isNode(v)) out.push(v); });
    else if (isNode(value)) out.push(value);
  }
  return out;
}
function isFunction(node) {
  return node.type === "FunctionDeclaration" || node.type === "FunctionExpression" ||
         node.type === "ArrowFunctionExpression";
}
function patternNames(pattern, out) {
  if (!pattern) return out;
  if (pattern.type === "Identifier") out.push(pattern);
  else if (pattern.type === "AssignmentPattern") patternNames(pattern.left, out);
  else if (pattern.type === "RestElement") patternNames(pattern.argument, out);
  else if (pattern.type === "ArrayPattern") pattern.elements.forEach(function (e) { patternNames(e, out); });
  else if (pattern.type === "ObjectPattern") {
    pattern.properties.forEach(function (p) { patternNames(p.type === "RestElement" ? p : p.value, out); });
  }
  return out;
}

function lint(file) {
  const source = fs.readFileSync(file, "utf8");
  const findings = [];
  function report(node, message) {
    findings.push(file + ":" + node.loc.start.line + ":" + (node.loc.start.column + 1) + ": " + message);
  }
  let ast;
  try {
    ast = acorn.parse(source, { ecmaVersion: "latest", sourceType: "script", locations: true });
  } catch (error) {
    findings.push(file + ":" + (error.loc ? error.loc.line + ":" + (error.loc.column + 1) : "?") + ": " + error.message);
    return findings;
  }

  // Scopes: a function's parameters, its var, let, const and function declarations (hoisted to
  // the function, which is stricter than block scoping only in ways a lint need not mind).
  function Scope(parent, node) { this.parent = parent; this.node = node; this.names = new Map(); }
  Scope.prototype.declare = function (id, kind) {
    if (!this.names.has(id.name)) this.names.set(id.name, { id: id, kind: kind, used: false });
  };
  Scope.prototype.resolve = function (name) {
    for (let s = this; s; s = s.parent) if (s.names.has(name)) return s.names.get(name);
    return null;
  };
  const scopes = new Map();
  function collect(node, scope) {
    if (node !== scope.node && isFunction(node)) {
      if (node.type === "FunctionDeclaration") scope.declare(node.id, "function");
      const inner = new Scope(scope, node);
      scopes.set(node, inner);
      if (node.type === "FunctionExpression" && node.id) inner.declare(node.id, "name");
      node.params.forEach(function (p) { patternNames(p, []).forEach(function (id) { inner.declare(id, "parameter"); }); });
      collect(node.body, inner);
      return;
    }
    if (node.type === "VariableDeclarator") patternNames(node.id, []).forEach(function (id) { scope.declare(id, "variable"); });
    if (node.type === "CatchClause" && node.param) patternNames(node.param, []).forEach(function (id) { scope.declare(id, "parameter"); });
    children(node).forEach(function (child) { collect(child, scope); });
  }
  const top = new Scope(null, ast);
  scopes.set(ast, top);
  collect(ast, top);

  // Identifiers that are not references: property names, labels, and the declarations themselves.
  const notReferences = new Set();
  function markDeclarations(node) {
    if (node.type === "MemberExpression" && !node.computed) notReferences.add(node.property);
    if ((node.type === "Property" || node.type === "MethodDefinition") && !node.computed && !node.shorthand) notReferences.add(node.key);
    if (node.type === "LabeledStatement" || node.type === "BreakStatement" || node.type === "ContinueStatement") {
      if (node.label) notReferences.add(node.label);
    }
    if (node.type === "VariableDeclarator") patternNames(node.id, []).forEach(function (id) { notReferences.add(id); });
    if (isFunction(node)) {
      if (node.id) notReferences.add(node.id);
      node.params.forEach(function (p) { patternNames(p, []).forEach(function (id) { notReferences.add(id); }); });
    }
    if (node.type === "CatchClause" && node.param) patternNames(node.param, []).forEach(function (id) { notReferences.add(id); });
    children(node).forEach(markDeclarations);
  }
  markDeclarations(ast);

  function visit(node, scope) {
    if (scopes.has(node)) scope = scopes.get(node);
    if (node.type === "Identifier" && !notReferences.has(node)) {
      const found = scope.resolve(node.name);
      if (found) found.used = true;
      else if (!GLOBALS.has(node.name) && node.name !== "arguments") report(node, "'" + node.name + "' is not declared");
    }
    if (node.type === "BinaryExpression" && (node.operator === "==" || node.operator === "!=")) {
      report(node, "loose equality '" + node.operator + "': use '" + node.operator + "='");
    }
    if (node.type === "MemberExpression") {
      const name = node.computed ? (node.property.type === "Literal" ? String(node.property.value) : null) : node.property.name;
      if (name !== null && HTML_SINKS.has(name)) report(node, "'" + name + "' puts a string into the page as markup");
    }
    if (node.type === "CallExpression" || node.type === "NewExpression") {
      const callee = node.callee;
      if (callee.type === "Identifier" && (callee.name === "eval" || callee.name === "Function")) {
        report(node, "'" + callee.name + "' runs a string as code");
      }
      if (callee.type === "Identifier" && (callee.name === "setTimeout") && node.arguments.length &&
          node.arguments[0].type !== "FunctionExpression" && node.arguments[0].type !== "ArrowFunctionExpression" &&
          node.arguments[0].type !== "Identifier") {
        report(node, "setTimeout with a string runs it as code");
      }
      if (callee.type === "MemberExpression" && !callee.computed && callee.property.name === "setAttribute" &&
          node.arguments.length && node.arguments[0].type === "Literal" && /^on/i.test(String(node.arguments[0].value))) {
        report(node, "an event handler attribute is a string run as code");
      }
    }
    children(node).forEach(function (child) { visit(child, scope); });
  }
  visit(ast, top);

  scopes.forEach(function (scope) {
    scope.names.forEach(function (entry, name) {
      if (!entry.used && (entry.kind === "variable" || entry.kind === "function")) {
        report(entry.id, entry.kind + " '" + name + "' is declared but never used");
      }
    });
  });

  // Every script is strict: the whole file is one function whose body starts with "use strict".
  const body = ast.body;
  const strictFunction = body.length === 1 && body[0].type === "ExpressionStatement" &&
      body[0].expression.type === "CallExpression" && isFunction(body[0].expression.callee) &&
      body[0].expression.callee.body.body.length > 0 && body[0].expression.callee.body.body[0].directive === "use strict";
  if (!strictFunction) report(ast, "the file should be one function, (function () { \"use strict\"; ... })();");
  return findings;
}

const files = process.argv.slice(2);
if (!files.length) {
  console.log("usage: node --expose-internals lint_page.js FILE.js...");
  process.exit(2);
}
let all = [];
files.forEach(function (file) { all = all.concat(lint(file)); });
all.forEach(function (line) { console.log(line); });
console.log(files.length + " files, " + all.length + " findings");
process.exit(all.length ? 1 : 0);
