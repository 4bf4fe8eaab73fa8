package model

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestCSVRowMatchesHeaderAndPrediction(t *testing.T) {
	want := "file,label,p_round,p_in_between,p_cigar,p_edge_on,p_spiral,a_in_between,a_merged,a_round,a_spiral,b_cigar,b_edge_on,domain_score,out_of_domain,model_version,error"
	if got := strings.Join(CSVHeader, ","); got != want {
		t.Fatalf("CSVHeader = %s\nwant       %s", got, want)
	}
	if CSVHeader[CSVFile] != "file" || CSVHeader[CSVLabel] != "label" ||
		CSVHeader[CSVModelVersion] != "model_version" || CSVHeader[CSVError] != "error" ||
		CSVHeader[CSVDomainScore] != "domain_score" || CSVHeader[CSVOutOfDomain] != "out_of_domain" {
		t.Fatal("column index constants do not match CSVHeader")
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "data", "gz-challenge-spiral", "validation", "spirals", "*.jpg"))
	if len(files) == 0 {
		t.Fatal("no real images under ../shared/data (the repository expects shared/ beside it)")
	}
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Classify(data)
	if err != nil {
		t.Fatal(err)
	}
	row := CSVRow("a.jpg", c.Version(), p, nil)
	if len(row) != len(CSVHeader) {
		t.Fatalf("row has %d columns, header %d", len(row), len(CSVHeader))
	}
	if row[CSVFile] != "a.jpg" || row[CSVLabel] != p.Label.Slug() || row[CSVModelVersion] != c.Version() || row[CSVError] != "" {
		t.Fatalf("row = %q", row)
	}
	// Every number reads back as exactly the float32 it came from.
	var back []float32
	if !p.Domain.Fitted {
		t.Fatal("the default model has no domain fit")
	}
	if row[CSVDomainScore] != strconv.FormatFloat(float64(float32(p.Domain.Score)), 'g', -1, 32) || row[CSVOutOfDomain] != "false" {
		t.Fatalf("domain columns %q, %q for a real galaxy with score %v", row[CSVDomainScore], row[CSVOutOfDomain], p.Domain.Score)
	}
	for _, s := range row[CSVLabel+1 : CSVDomainScore] {
		v, err := strconv.ParseFloat(s, 32)
		if err != nil {
			t.Fatalf("column %q: %v", s, err)
		}
		back = append(back, float32(v))
	}
	var wantVals []float32
	wantVals = append(append(append(wantVals, p.Probabilities[:]...), p.A[:]...), p.B[:]...)
	for i := range wantVals {
		if back[i] != wantVals[i] {
			t.Errorf("%s = %v, want %v", CSVHeader[CSVLabel+1+i], back[i], wantVals[i])
		}
	}
	// The column names follow Classes, ANames and BNames.
	for i, c := range Classes {
		if want := "p_" + strings.ReplaceAll(c.Slug(), "-", "_"); CSVHeader[CSVLabel+1+i] != want {
			t.Errorf("column %d is %s, want %s", CSVLabel+1+i, CSVHeader[CSVLabel+1+i], want)
		}
	}

	bad := CSVRow("b.png", c.Version(), nil, errors.New("model: not a JPEG, PNG or GIF image"))
	if len(bad) != len(CSVHeader) || bad[CSVError] == "" || bad[CSVLabel] != "" || bad[CSVLabel+1] != "" {
		t.Fatalf("error row = %q", bad)
	}
}
