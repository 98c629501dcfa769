package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// decodeConfig reads path over the defaults. A syntax error stops it, with
// its place in the file and its key. A value that its key cannot hold, such
// as the duration "4 horas", is a problem of that key: the value is left
// out and the rest of the file is still decoded, so that every problem is
// reported at once. ok is false when the configuration could not be
// decoded, and problems then say why.
func decodeConfig(path string) (c Config, md toml.MetaData, problems []error, ok bool) {
	c = defaultConfig()
	c.dir = filepath.Dir(path)
	src, err := os.ReadFile(path)
	if err != nil {
		return c, md, []error{fmt.Errorf("read %s: %w", path, err)}, false
	}
	var data map[string]any
	file, err := toml.Decode(string(src), &data)
	if err != nil {
		return c, md, []error{syntaxError(path, src, err)}, false
	}
	var bad []toml.ParseError
	for ok = true; ok; {
		c = defaultConfig()
		c.dir = filepath.Dir(path)
		md, err = toml.Decode(string(src), &c)
		var pe toml.ParseError
		if !errors.As(err, &pe) || pe.LastKey == "" {
			break
		}
		bad, err = append(bad, pe), nil
		src, ok = withoutKey(data, pe.LastKey)
	}
	problems = valueProblems(bad, file.Keys())
	if err != nil {
		problems = append(problems, fmt.Errorf("read %s: %w", path, err))
	}
	return c, md, problems, ok && err == nil
}

// valueProblems are the problems of the values that their keys cannot
// hold, in the order of the keys in the file (the toml package decodes
// tables in no set order).
func valueProblems(bad []toml.ParseError, keys []toml.Key) []error {
	at := make(map[string]int, len(keys))
	for i, k := range keys {
		at[k.String()] = i
	}
	slices.SortFunc(bad, func(a, b toml.ParseError) int { return cmp.Compare(at[a.LastKey], at[b.LastKey]) })
	problems := make([]error, len(bad))
	for i, pe := range bad {
		problems[i] = fmt.Errorf("%s: %s", pe.LastKey, pe.Message)
	}
	return problems
}

// withoutKey deletes the dotted key from the decoded TOML data and encodes
// what is left. ok is false when the key cannot be found (a part of it is
// quoted, or it is inside an array of tables): the decoding then stops at
// the problem already reported.
func withoutKey(data map[string]any, key string) (src []byte, ok bool) {
	parts := strings.Split(key, ".")
	table := data
	for _, p := range parts[:len(parts)-1] {
		if table, ok = table[p].(map[string]any); !ok {
			return nil, false
		}
	}
	if _, ok = table[parts[len(parts)-1]]; !ok {
		return nil, false
	}
	delete(table, parts[len(parts)-1])
	var b bytes.Buffer
	// Data just decoded encodes again; were it not to, the decoding stops
	// at the problem already reported.
	if err := toml.NewEncoder(&b).Encode(data); err != nil {
		return nil, false
	}
	return b.Bytes(), true
}

// syntaxError explains a TOML syntax error: the file, line and column, the
// key of the line and, for the usual mistake of a value without quotes,
// the line that works. The value of a key that may hold a secret is never
// shown, nor is the toml package's message for it, which may quote part of
// the value.
func syntaxError(path string, src []byte, err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	where := fmt.Sprintf("%s:%d:%d", path, pe.Position.Line, pe.Position.Col)
	key, name, value := pe.LastKey, "", ""
	if lines := strings.Split(string(src), "\n"); pe.Position.Line >= 1 && pe.Position.Line <= len(lines) {
		var isPair bool
		if name, value, isPair = strings.Cut(lines[pe.Position.Line-1], "="); isPair {
			name = strings.TrimSpace(name)
			key = lineKey(pe.LastKey, name)
		}
	}
	problem := quoteHint(key, name, value)
	switch {
	case problem != "":
	case mayHoldSecret(key):
		problem = "the line is not valid TOML (its value is not shown: it may hold a secret)"
	default:
		problem = pe.Message
	}
	if key == "" {
		return fmt.Errorf("%s: %s", where, problem)
	}
	return fmt.Errorf("%s: %s: %s", where, key, problem)
}

// lineKey is the full key of the line "name = ...", given the last key
// the toml package read: the line's own key, or its table when the error
// came after the value (as in poll_interval = 1 minute).
func lineKey(last, name string) string {
	switch {
	case name == "":
		return last
	case last == "":
		return name
	case last == name || strings.HasSuffix(last, "."+name):
		return last
	}
	return last + "." + name
}

// quoteHint is the line that works when value, the text after "name =",
// lacks quotes; "" when that is not the mistake.
func quoteHint(key, name, value string) string {
	value, _, _ = strings.Cut(value, "#")
	value = strings.TrimSpace(value)
	if value == "" || strings.ContainsAny(value[:1], `"'[{`) {
		return ""
	}
	if strings.HasSuffix(key, "_env") {
		if _, err := lookupSecretEnv(value); errors.Is(err, errNotEnvName) {
			return err.Error()
		}
		return fmt.Sprintf("strings need quotes: %s = %q", name, value)
	}
	if mayHoldSecret(key) {
		return fmt.Sprintf(`strings need quotes: %s = "..."`, name)
	}
	if d := durationHint(value); d != "" {
		return fmt.Sprintf("quote the duration: %s = %q (%s)", name, d, durationUnitsHelp)
	}
	if strings.ContainsAny(value[:1], "+-.0123456789") {
		return ""
	}
	return fmt.Sprintf("strings need quotes: %s = %q", name, value)
}

// mayHoldSecret reports whether the value of key may be a secret, so that
// no message shows it.
func mayHoldSecret(key string) bool {
	return strings.Contains(key, "password") || strings.Contains(key, "secret") || strings.Contains(key, "token")
}

// durationUnitsHelp lists the units of a Duration.
const durationUnitsHelp = "units: s, m, h, d for days, w for weeks"

// durationError says that s is not a Duration, and what to write instead.
func durationError(s string) error {
	if hint := durationHint(s); hint != "" {
		return fmt.Errorf("%q is not a duration: write %q", s, hint)
	}
	return fmt.Errorf(`%q is not a duration: write a number and a unit, as in "90s", "15m", "4h" or "7d" (%s)`,
		s, durationUnitsHelp)
}

// durationPart is a number and a unit word, as in "4 horas" or "30mins".
var durationPart = regexp.MustCompile(`(\d+(?:[.,]\d+)?)\s*(\pL+)`)

// durationUnitWords are the units people write, in English and Spanish,
// with the unit of a Duration they mean. Plurals lose their "s".
var durationUnitWords = map[string]string{
	"ms": "ms",
	"s":  "s", "sec": "s", "second": "s", "seg": "s", "segundo": "s",
	"m": "m", "min": "m", "minute": "m", "minuto": "m",
	"h": "h", "hr": "h", "hour": "h", "hora": "h",
	"d": "d", "day": "d", "día": "d", "dia": "d",
	"w": "w", "wk": "w", "week": "w", "semana": "w",
}

// durationHint is the Duration that s means when s is numbers and unit
// words ("1 minute" → "1m", "2 días" → "2d", "1 hour 30 mins" → "1h30m"),
// or "" when its meaning is not clear. The hint is always a valid Duration.
func durationHint(s string) string {
	var b strings.Builder
	for _, m := range durationPart.FindAllStringSubmatch(s, -1) {
		unit := durationUnit(m[2])
		if unit == "" {
			return ""
		}
		b.WriteString(strings.Replace(m[1], ",", ".", 1) + unit)
	}
	hint := b.String()
	if strings.TrimSpace(durationPart.ReplaceAllString(s, "")) != "" {
		return ""
	}
	if _, ok := parseDuration(hint); !ok {
		return ""
	}
	return hint
}

// durationUnit is the unit of a Duration that word means, or "". A single
// capital is not guessed at: "M" may be months.
func durationUnit(word string) string {
	if len(word) > 1 {
		word = strings.ToLower(word)
	}
	if u, ok := durationUnitWords[word]; ok {
		return u
	}
	if singular, ok := strings.CutSuffix(word, "s"); ok && len(singular) > 1 {
		return durationUnitWords[singular]
	}
	return ""
}

// envName is the form of the name of an environment variable.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// errNotEnvName is the problem of a *_env key whose value looks like the
// secret itself rather than the name of the variable that holds it. It
// never repeats the value.
var errNotEnvName = errors.New("the value is not a variable name (it looks like a password: " +
	"put the password in an environment variable or a file, and name the variable here)")

// lookupSecretEnv reads the secret in the environment variable name, the
// value of a *_env key (password_env, token_secret_env,
// client_secret_env). Every such key is read through it, at start-up and
// at use, so that its check cannot be forgotten. Its errors repeat the
// name only when it has the usual form of one, capitals, digits and
// underscores: a value of another form may be the secret itself, and one
// with small letters is taken for a name only when that variable is set.
func lookupSecretEnv(name string) (string, error) {
	v, ok := os.LookupEnv(name)
	switch {
	case !envName.MatchString(name):
		return "", errNotEnvName
	case ok:
		return v, nil
	case name != strings.ToUpper(name):
		return "", errNotEnvName
	}
	return "", fmt.Errorf("environment variable %s is not set", name)
}
