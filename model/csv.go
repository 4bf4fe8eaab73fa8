package model

import "strconv"

// CSVHeader is the column list of every hiwl CSV: the batch classifier
// (model/cmd/classify -format csv) and the web page's "Download CSV" write
// these columns in this order, one row per file (CSVRow).
//
// label is the class slug (Class.Slug); p_* are the five probabilities in
// Classes order; a_* network A's four outputs in ANames order (a_merged is
// cigar-shaped or edge-on); b_* network B's two. domain_score is the
// in-domain score (Domain.Score) and out_of_domain is true when it is over
// 1: the picture does not look like a Galaxy Zoo-style cutout; both are
// empty for a model file without a domain fit. A file that could not be
// classified has its error in the last column and the other result columns
// empty.
var CSVHeader = []string{
	"file", "label",
	"p_round", "p_in_between", "p_cigar", "p_edge_on", "p_spiral",
	"a_in_between", "a_merged", "a_round", "a_spiral",
	"b_cigar", "b_edge_on",
	"domain_score", "out_of_domain",
	"model_version", "error",
}

// CSV column indexes that readers of these files need.
const (
	CSVFile         = 0
	CSVLabel        = 1
	CSVDomainScore  = 13
	CSVOutOfDomain  = 14
	CSVModelVersion = 15
	CSVError        = 16
)

// CSVRow formats the row of one file for a CSV with CSVHeader: p's results
// when err is nil, otherwise an error row (p may then be nil). Numbers use
// the shortest decimal form that reads back as the same float32, so a row
// is the same wherever it is written.
func CSVRow(file, modelVersion string, p *Prediction, err error) []string {
	row := make([]string, len(CSVHeader))
	row[CSVFile] = file
	row[CSVModelVersion] = modelVersion
	if err != nil || p == nil {
		if err != nil {
			row[CSVError] = err.Error()
		} else {
			row[CSVError] = "no prediction"
		}
		return row
	}
	row[CSVLabel] = p.Label.Slug()
	i := CSVLabel + 1
	for _, v := range p.Probabilities {
		row[i] = formatFloat32(v)
		i++
	}
	for _, v := range p.A {
		row[i] = formatFloat32(v)
		i++
	}
	for _, v := range p.B {
		row[i] = formatFloat32(v)
		i++
	}
	if p.Domain.Fitted {
		row[CSVDomainScore] = formatFloat32(float32(p.Domain.Score))
		row[CSVOutOfDomain] = strconv.FormatBool(p.Domain.OutOfDomain)
	}
	return row
}

func formatFloat32(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }
