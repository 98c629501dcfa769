package parse

import (
	"encoding/json"
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
	"quote-header": 38, "wrapped": 11, "structural": 8, "invisible": 5, "noise": 10,
}

// unseenCase is an entry of testdata/unseen/MANIFEST.json: a plain-text
// body and what its new text must be.
type unseenCase struct {
	File, Category, Lang, Client string
	Exact                        *string
	Want, Not                    []string
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
	langs := map[string]bool{}
	for _, c := range cases {
		raw, err := os.ReadFile(filepath.Join(unseenDir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		total[c.Category]++
		langs[c.Lang] = true
		if problems := c.check(NewText(string(raw))); len(problems) > 0 {
			t.Logf("FAIL %s (%s, %s): %s", c.File, c.Lang, c.Client, strings.Join(problems, "; "))
			continue
		}
		passed[c.Category]++
	}
	for _, cat := range slices.Sorted(func(yield func(string) bool) {
		for k := range total {
			if !yield(k) {
				return
			}
		}
	}) {
		t.Logf("%-13s %d/%d", cat, passed[cat], total[cat])
		if passed[cat] < unseenFloors[cat] {
			t.Errorf("%s: %d of %d pass, below the floor of %d", cat, passed[cat], total[cat], unseenFloors[cat])
		}
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
