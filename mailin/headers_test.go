package mailin

import (
	"slices"
	"strings"
	"testing"
)

// TestReadTraceLeadingBlankLine: a mail file that starts with an empty
// line still has its trace read, as the parser reads its header.
func TestReadTraceLeadingBlankLine(t *testing.T) {
	raw := "\r\n\nDelivered-To: incidents@example.com\r\nX-Loop: Incidents@example.com\r\nFrom: a@example.com\r\n\r\nhi\r\n"
	tr := readTrace(strings.NewReader(raw))
	if !slices.Equal(tr.recipients, []string{"incidents@example.com"}) || !slices.Equal(tr.xLoop, []string{"incidents@example.com"}) {
		t.Errorf("trace %+v", tr)
	}
}
