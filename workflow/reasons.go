package workflow

import "strings"

// OtherReason is the category of a rejection reason no category recognises.
const OtherReason = "other"

// ReasonCategory groups rejection reasons: a reason belongs to the first
// category one of whose keywords it contains (case- and accent-insensitive).
type ReasonCategory struct {
	Name     string   `toml:"name" json:"name"`
	Keywords []string `toml:"keywords" json:"keywords"`
}

// DefaultReasonCategories are the categories used when the configuration
// names none, with keywords in English and Spanish.
func DefaultReasonCategories() []ReasonCategory {
	return []ReasonCategory{
		{"duplicate", []string{"duplicate", "duplicated", "dupe", "same as", "duplicado", "duplicada", "repetido", "repetida", "ya reportad", "ya informad"}},
		{"already_known", []string{"already known", "known issue", "known problem", "already reported", "ya conocid", "ya se conoce", "ya lo sabemos", "problema conocido", "error conocido"}},
		{"cannot_reproduce", []string{"cannot reproduce", "can't reproduce", "can not reproduce", "could not reproduce", "couldn't reproduce", "unable to reproduce", "not reproducible", "no se puede reproducir", "no puedo reproducir", "no consigo reproducir", "no se reproduce", "no reproducible"}},
		{"will_not_do", []string{"won't fix", "will not fix", "wontfix", "won't do", "will not do", "not worth", "out of scope", "by design", "no se hara", "no lo haremos", "no vamos a", "no merece", "fuera de alcance", "por diseno"}},
	}
}

// Categorize names the category of a rejection reason, or OtherReason.
func Categorize(reason string, cats []ReasonCategory) string {
	text := foldReason(reason)
	for _, c := range cats {
		for _, k := range c.Keywords {
			if k = foldReason(k); k != "" && strings.Contains(text, k) {
				return c.Name
			}
		}
	}
	return OtherReason
}

// foldReason folds case, accents, typographic apostrophes and runs of
// spaces, so that "Won’t  fix" contains "won't fix".
func foldReason(s string) string {
	s = strings.ReplaceAll(s, "’", "'")
	return strings.Join(strings.Fields(Fold(s)), " ")
}
