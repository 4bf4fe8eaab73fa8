// csv.js writes classification results as CSV with the columns of the
// native batch command, so a spreadsheet or script reads both alike. The
// column names are not copied here: the module's info carries them
// (info.csv_header, model.CSVHeader in Go).

/**
 * toCSV turns rows {file, result, error} into CSV text (RFC 4180, CRLF line
 * ends). label is the class slug. info (the classifier's description) gives
 * the header (csv_header) and the order of the classes and of networks A's
 * and B's outputs, which is the order of the p_, a_ and b_ columns.
 * domain_score and out_of_domain are the result's in-domain score (empty for
 * a model without one). A row with an error has empty numbers.
 */
export function toCSV(rows, info) {
  const slugs = info.classes.map((c) => c.class);
  const lines = [info.csv_header.join(",")];
  for (const { file, result, error } of rows) {
    const numbers = result
      ? [
          ...slugs.map((s) => result.probabilities[s]),
          ...info.network_a.map((n) => result.hierarchy.a[n]),
          ...info.network_b.map((n) => result.hierarchy.b[n]),
        ].map((v) => (typeof v === "number" ? String(v) : ""))
      : Array(slugs.length + info.network_a.length + info.network_b.length).fill("");
    lines.push([
      file,
      result ? result.class : "",
      ...numbers,
      result && result.domain ? String(result.domain.score) : "",
      result && result.domain ? String(result.domain.out_of_domain) : "",
      result ? result.model_version : info.model_version,
      error || "",
    ].map(field).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

// field quotes a value that holds a comma, quote or line break.
function field(v) {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
