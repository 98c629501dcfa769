package smtpsink

import (
	"bytes"
	"net"
)

// tap is a listener whose connections count the BDAT commands the sink
// receives (unless Options.Discard) and, for an Older sink, hide CHUNKING
// and 8BITMIME from the server's replies. It sits below TLS: it sees
// connections without TLS only.
type tap struct {
	net.Listener
	sink *Sink
}

func (l tap) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return tapConn{c, l.sink}, nil
}

type tapConn struct {
	net.Conn
	sink *Sink
}

var (
	bdatCommand = []byte("BDAT ")
	chunking    = []byte("250-CHUNKING\r\n")
	eightBit    = []byte("250-8BITMIME\r\n")
)

func (c tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if !c.sink.o.Discard {
		c.sink.bdat.Add(int64(bytes.Count(p[:n], bdatCommand)))
	}
	return n, err
}

func (c tapConn) Write(p []byte) (int, error) {
	if !c.sink.o.Older {
		return c.Conn.Write(p)
	}
	q := bytes.ReplaceAll(bytes.ReplaceAll(p, chunking, nil), eightBit, nil)
	if _, err := c.Conn.Write(q); err != nil {
		return 0, err
	}
	return len(p), nil
}
