// SPDX-License-Identifier: MIT
// go_client http URL | dial HOST:PORT: a Go program, which makes its own system calls.
// http: net/http GET (it honours HTTP_PROXY/HTTPS_PROXY), prints the body; dial: a
// plain net.Dial, prints "connected" or the error. Built dynamic (cgo) and static.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go_client http URL | dial HOST:PORT")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "http":
		c := http.Client{Timeout: 10 * time.Second}
		resp, err := c.Get(os.Args[2])
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		b, _ := io.ReadAll(resp.Body)
		fmt.Print(string(b))
	case "dial":
		conn, err := net.DialTimeout("tcp", os.Args[2], 10*time.Second)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		conn.Close()
		fmt.Println("connected")
	}
}
