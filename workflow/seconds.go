package workflow

import (
	"fmt"
	"time"
)

// Seconds is a duration in whole seconds, the unit of durations in notices
// and in the numbers of `incidentd stats -json`.
type Seconds int64

// SecondsOf rounds d down to whole seconds.
func SecondsOf(d time.Duration) Seconds { return Seconds(d / time.Second) }

// Duration is s as a time.Duration.
func (s Seconds) Duration() time.Duration { return time.Duration(s) * time.Second }

// String writes s for people, the same in English and Spanish: "3d 4h",
// "5h 20m", "12m", "40s".
func (s Seconds) String() string {
	d, h, m := s/86400, s%86400/3600, s%3600/60
	switch {
	case d > 0 && h > 0:
		return fmt.Sprintf("%dd %dh", d, h)
	case d > 0:
		return fmt.Sprintf("%dd", d)
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh %dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	case m > 0:
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%ds", int64(s))
}
