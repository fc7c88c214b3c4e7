// Package slimbin holds the slim init binary (cmd/myrunc-init) embedded
// in this build of the runtime, if it has one.
package slimbin
