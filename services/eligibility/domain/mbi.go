package domain

// ValidMBI checks the CMS Medicare Beneficiary Identifier format: 11
// characters where position 1 is a digit 1-9, positions 4, 7, 10 and 11 are
// digits, 2, 5, 8 and 9 letters, 3 and 6 a letter or digit. Letters exclude
// S, L, O, I, B and Z, which CMS leaves out to avoid misreading.
func ValidMBI(s string) bool {
	if len(s) != 11 {
		return false
	}
	const (
		num   = 'n' // 0-9
		first = 'c' // 1-9
		alpha = 'a' // A-Z minus S L O I B Z
		alnum = 'x' // either
	)
	const layout = "caxnaxnaann"
	for i := 0; i < 11; i++ {
		c := s[i]
		isDigit := c >= '0' && c <= '9'
		isAlpha := c >= 'A' && c <= 'Z' && c != 'S' && c != 'L' && c != 'O' && c != 'I' && c != 'B' && c != 'Z'
		switch layout[i] {
		case first:
			if !isDigit || c == '0' {
				return false
			}
		case num:
			if !isDigit {
				return false
			}
		case alpha:
			if !isAlpha {
				return false
			}
		case alnum:
			if !isDigit && !isAlpha {
				return false
			}
		}
	}
	return true
}
