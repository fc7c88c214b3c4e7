package builder

import (
	"crypto/sha256"
	"fmt"
)

// cacheKey is what a step did: with the image it ran on, it finds the
// step's image in the cache. The history line holds the instruction as
// evaluated (RUN's build args included; COPY's content hash).
func cacheKey(ch change) string {
	sum := sha256.Sum256([]byte(ch.createdBy + "\x00" + ch.keyExtra))
	return fmt.Sprintf("sha256:%x", sum)
}
