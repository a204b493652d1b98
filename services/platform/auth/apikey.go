package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"strings"
)

// An API key as a caller presents it is "omtm_<keyid>_<secret>":
//
//   - keyid: 16 lower-case base32hex characters (10 random bytes). It is not
//     secret; it names the key in lists, logs and the audit trail.
//   - secret: 32 random bytes, base64url without padding (43 characters).
//
// The prefix lets secret scanners recognise a leaked key.
const (
	keyPrefix    = "omtm_"
	keyIDLen     = 16
	secretBytes  = 32
	secretLen    = 43 // base64.RawURLEncoding.EncodedLen(secretBytes)
	bearerLength = len(keyPrefix) + keyIDLen + 1 + secretLen
)

var (
	keyIDEncoding  = base32.HexEncoding.WithPadding(base32.NoPadding)
	secretEncoding = base64.RawURLEncoding.Strict()
)

// secretHash is what is stored of a key's secret: its SHA-256. A slow
// password hash (bcrypt, argon2) exists to make guessing low-entropy
// passwords expensive; these secrets are 256 random bits, beyond any
// guessing, so a fast hash is as safe and keeps verification cheap on every
// RPC that misses the cache.
type secretHash [sha256.Size]byte

func hashSecret(secret string) secretHash { return sha256.Sum256([]byte(secret)) }

// newBearer generates a fresh key id and secret and returns the bearer
// string a caller presents.
func newBearer() (bearer, keyID, secret string, err error) {
	var idb [10]byte
	var sb [secretBytes]byte
	if _, err := rand.Read(idb[:]); err != nil {
		return "", "", "", fmt.Errorf("generate api key id: %w", err)
	}
	if _, err := rand.Read(sb[:]); err != nil {
		return "", "", "", fmt.Errorf("generate api key secret: %w", err)
	}
	keyID = strings.ToLower(keyIDEncoding.EncodeToString(idb[:]))
	secret = secretEncoding.EncodeToString(sb[:])
	return keyPrefix + keyID + "_" + secret, keyID, secret, nil
}

// parseBearer splits a bearer string into key id and secret, or reports that
// it is not one. It checks the shape only; Verify checks the secret.
func parseBearer(bearer string) (keyID, secret string, ok bool) {
	if len(bearer) != bearerLength || !strings.HasPrefix(bearer, keyPrefix) {
		return "", "", false
	}
	rest := bearer[len(keyPrefix):]
	keyID, secret = rest[:keyIDLen], rest[keyIDLen+1:]
	if rest[keyIDLen] != '_' || !validKeyID(keyID) {
		return "", "", false
	}
	// Strict decoding rejects the non-canonical spellings of one secret, so
	// that exactly one string verifies.
	if b, err := secretEncoding.DecodeString(secret); err != nil || len(b) != secretBytes {
		return "", "", false
	}
	return keyID, secret, true
}

// validKeyID reports whether s is 16 lower-case base32hex characters.
func validKeyID(s string) bool {
	if len(s) != keyIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'v') {
			return false
		}
	}
	return true
}
