package parse

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// unseenDir holds reply bodies written by us in the shapes that mail
// clients produce (the client and version of each are in its manifest),
// kept apart from the shared corpus so that the trimmer is measured on
// shapes it was not tuned against.
const unseenDir = "testdata/unseen"

// unseenFloors are the pass counts per category below which TestUnseen
// fails: raise them when the parser gets better, never lower them.
var unseenFloors = map[string]int{
	"quote-header": 57, "wrapped": 13, "structural": 14, "invisible": 8, "noise": 16,
}

// unseenCase is an entry of testdata/unseen/MANIFEST.json: a plain-text
// body and what its new text must be. Batch numbers the sets of cases,
// each written before the trimmer was changed for it, so that a set's pass
// count when it came tells how well the trimmer did on shapes it had not
// seen; the first set has no number (batch 1).
type unseenCase struct {
	File, Category, Lang, Client string
	Exact                        *string
	Want, Not                    []string
	Batch                        int
}

func TestUnseen(t *testing.T) {
	manifest, err := os.ReadFile(filepath.Join(unseenDir, "MANIFEST.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []unseenCase
	if err := json.Unmarshal(manifest, &cases); err != nil {
		t.Fatalf("read %s/MANIFEST.json: %v", unseenDir, err)
	}
	passed, total := map[string]int{}, map[string]int{}
	batchPassed, batchTotal := map[int]map[string]int{}, map[int]map[string]int{}
	langs := map[string]bool{}
	for _, c := range cases {
		raw, err := os.ReadFile(filepath.Join(unseenDir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		c.Batch = max(c.Batch, 1)
		total[c.Category]++
		if batchTotal[c.Batch] == nil {
			batchPassed[c.Batch], batchTotal[c.Batch] = map[string]int{}, map[string]int{}
		}
		batchTotal[c.Batch][c.Category]++
		langs[c.Lang] = true
		if problems := c.check(NewText(string(raw))); len(problems) > 0 {
			t.Logf("FAIL %s (%s, %s): %s", c.File, c.Lang, c.Client, strings.Join(problems, "; "))
			continue
		}
		passed[c.Category]++
		batchPassed[c.Batch][c.Category]++
	}
	for _, cat := range slices.Sorted(maps.Keys(total)) {
		t.Logf("%-13s %d/%d", cat, passed[cat], total[cat])
		if passed[cat] < unseenFloors[cat] {
			t.Errorf("%s: %d of %d pass, below the floor of %d", cat, passed[cat], total[cat], unseenFloors[cat])
		}
	}
	for _, b := range slices.Sorted(maps.Keys(batchTotal)) {
		var p, n int
		var cats []string
		for _, cat := range slices.Sorted(maps.Keys(batchTotal[b])) {
			p, n = p+batchPassed[b][cat], n+batchTotal[b][cat]
			cats = append(cats, fmt.Sprintf("%s %d/%d", cat, batchPassed[b][cat], batchTotal[b][cat]))
		}
		t.Logf("batch %d: %d/%d (%s)", b, p, n, strings.Join(cats, ", "))
	}
	t.Logf("%d cases in %d languages", len(cases), len(langs))
}

// check says what is wrong with newText for c.
func (c unseenCase) check(newText string) []string {
	var out []string
	if c.Exact != nil && newText != *c.Exact {
		out = append(out, "new text "+quote(newText)+", want "+quote(*c.Exact))
	}
	return append(out, substrings(newText, c.Want, c.Not)...)
}
