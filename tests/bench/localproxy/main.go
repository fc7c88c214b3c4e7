// localproxy is the measuring stick for reaching a published port on
// 127.0.0.1: a userland TCP proxy (what docker-proxy does) and a client
// that times fresh connections, so make bench-network can compare the
// proxy with DNAT through route_localnet in one run.
//
//	localproxy proxy LISTEN TARGET      forward every connection
//	localproxy get URL N                N requests, each on a new connection; prints the median ms
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: localproxy proxy LISTEN TARGET | get URL N")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "proxy":
		proxy(os.Args[2], os.Args[3])
	case "get":
		n, _ := strconv.Atoi(os.Args[3])
		get(os.Args[2], n)
	}
}

func proxy(listen, target string) {
	l, err := net.Listen("tcp4", listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("listening")
	for {
		c, err := l.Accept()
		if err != nil {
			continue
		}
		go func() {
			defer c.Close()
			u, err := net.Dial("tcp4", target)
			if err != nil {
				return
			}
			defer u.Close()
			go func() { io.Copy(u, c); u.(*net.TCPConn).CloseWrite() }()
			io.Copy(c, u)
		}()
	}
}

func get(url string, n int) {
	cl := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	ds := make([]float64, 0, n)
	for i := 0; i < n; i++ {
		t := time.Now()
		r, err := cl.Get(url)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		ds = append(ds, float64(time.Since(t).Microseconds())/1000)
	}
	sort.Float64s(ds)
	fmt.Printf("%.3f\n", ds[len(ds)/2])
}
