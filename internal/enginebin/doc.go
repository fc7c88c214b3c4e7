// Package enginebin holds the engine program (the root package built
// with the `engine` tag) embedded in the runtime-only myrunc, and runs
// it: the runtime's commands then pay none of the engine's package
// start-up work (registry client, TLS, netlink, nftables, compressors).
package enginebin
