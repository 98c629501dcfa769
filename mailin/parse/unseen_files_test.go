package parse

import "testing"

// TestUnseenFiles reads the mails of testdata/unseen-files: forwards,
// files and attachments in the shapes real clients write them (each
// .json names the client), kept apart from the shared corpus so that they
// measure the parser on shapes it was not written against.
func TestUnseenFiles(t *testing.T) {
	runGolden(t, "testdata/unseen-files/*.eml")
}
