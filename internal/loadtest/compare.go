package loadtest

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/nems-harness/nems-harness/mockspine"
)

// Listen serves h on a loopback port, with the mock's listener settings
// (mockspine.NewHTTPServer), and returns its base URL and a stop function.
func Listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := mockspine.NewHTTPServer(h)
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = hs.Close() }, nil
}

// Comparison is the mock against a bare handler under the same load.
type Comparison struct {
	// Mock and Bare ran as fast as each answered.
	Mock, Bare *Result
	// Ratio is the mock's throughput over the bare handler's.
	Ratio float64
	// HalfRate is half the mock's throughput; MockHalf and BareHalf ran at
	// that rate.
	HalfRate           float64
	MockHalf, BareHalf *Result
}

// Compare drives the mock at mockURL and the bare handler at bareURL, one
// after the other, with the same load (cfg without URL): first as fast as
// they answer, then both at half the mock's throughput. Each run has its own
// connections.
func Compare(ctx context.Context, cfg Config, mockURL, bareURL string) (*Comparison, error) {
	at := func(url string, rate float64) (*Result, error) {
		c := cfg
		c.URL, c.Rate, c.Client = url, rate, nil
		return Run(ctx, c)
	}
	var c Comparison
	var err error
	if c.Mock, err = at(mockURL, 0); err != nil {
		return nil, err
	}
	if c.Bare, err = at(bareURL, 0); err != nil {
		return nil, err
	}
	if c.Bare.Throughput == 0 || c.Mock.Throughput == 0 {
		return &c, errors.New("no request was answered")
	}
	c.Ratio = c.Mock.Throughput / c.Bare.Throughput
	c.HalfRate = c.Mock.Throughput / 2
	if c.MockHalf, err = at(mockURL, c.HalfRate); err != nil {
		return nil, err
	}
	if c.BareHalf, err = at(bareURL, c.HalfRate); err != nil {
		return nil, err
	}
	return &c, nil
}
