package uuid_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

func TestNew(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := uuid.New()
		require.True(t, uuid.IsV4(id), id)
		require.Equal(t, strings.ToLower(id), id)
		require.False(t, seen[id], "repeated %s", id)
		seen[id] = true
	}
}

// TestNewBitsVary: every bit that is not the version or the variant takes
// both values over a few hundred UUIDs (a generator that left a byte or a
// hex digit fixed would fail).
func TestNewBitsVary(t *testing.T) {
	var or, and [16]byte
	for i := range and {
		and[i] = 0xff
	}
	for range 500 {
		b := decode(t, uuid.New())
		for i := range b {
			or[i] |= b[i]
			and[i] &= b[i]
		}
	}
	fixed := [16]byte{6: 0xf0, 8: 0xc0} // version nibble, variant bits
	for i := range or {
		require.Equal(t, byte(0xff)&^fixed[i], or[i]&^fixed[i], "byte %d: bits never 1", i)
		require.Equal(t, byte(0), and[i]&^fixed[i], "byte %d: bits never 0", i)
	}
}

func decode(t *testing.T, s string) [16]byte {
	t.Helper()
	h := strings.ReplaceAll(s, "-", "")
	require.Len(t, h, 32)
	var b [16]byte
	for i := range b {
		var v byte
		for _, c := range []byte(h[2*i : 2*i+2]) {
			switch {
			case '0' <= c && c <= '9':
				v = v<<4 | (c - '0')
			case 'a' <= c && c <= 'f':
				v = v<<4 | (c - 'a' + 10)
			default:
				t.Fatalf("not lowercase hex: %s", s)
			}
		}
		b[i] = v
	}
	return b
}

func TestIsV4(t *testing.T) {
	require.True(t, uuid.IsV4("7b4244f8-d2ff-46d1-a629-4f9fb5f73d40"))
	require.True(t, uuid.IsV4("7B4244F8-D2FF-46D1-B629-4F9FB5F73D40"))
	for _, s := range []string{
		"",
		"7b4244f8d2ff46d1a6294f9fb5f73d40",       // no hyphens
		"7b4244f8-d2ff-16d1-a629-4f9fb5f73d40",   // version 1
		"7b4244f8-d2ff-46d1-c629-4f9fb5f73d40",   // variant 110
		"7b4244f8-d2ff-46d1-7629-4f9fb5f73d40",   // variant 0
		"7b4244f8-d2ff-46d1-a629-4f9fb5f73d4g",   // not hex
		"7b4244f8-d2ff-46d1-a629_4f9fb5f73d40",   // separator
		"{7b4244f8-d2ff-46d1-a629-4f9fb5f73d40}", // braces
		"7b4244f8-d2ff-46d1-a629-4f9fb5f73d40 ",  // trailing space
	} {
		require.False(t, uuid.IsV4(s), s)
	}
}

func FuzzIsV4(f *testing.F) {
	f.Add(uuid.New())
	f.Add("7B4244F8-D2FF-46D1-B629-4F9FB5F73D40")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if !uuid.IsV4(s) {
			return
		}
		// What IsV4 accepts is New's form, up to case.
		require.Len(t, s, 36)
		require.Equal(t, byte('4'), s[14])
		require.True(t, uuid.IsV4(strings.ToLower(s)))
		require.True(t, uuid.IsV4(strings.ToUpper(s)))
	})
}

// TestOneGenerator: no other code of the module makes UUIDs. A UUID
// generator sets the version nibble of byte 6 to 4 with a mask such as
// b[6]&0x0f | 0x40; this test finds that OR of 0x40 onto a masked value
// anywhere but here. Tests are left out: the benchmarks' hand-written
// alternatives are written as a developer without this module would.
func TestOneGenerator(t *testing.T) {
	var found []string
	inspectModule(t, func(fset *token.FileSet, n ast.Node) {
		be, ok := n.(*ast.BinaryExpr)
		if !ok || be.Op != token.OR {
			return
		}
		if lit, ok := be.Y.(*ast.BasicLit); ok && lit.Kind == token.INT && lit.Value == "0x40" {
			if _, ok := ast.Unparen(be.X).(*ast.BinaryExpr); ok {
				found = append(found, fset.Position(be.Pos()).String())
			}
		}
	})
	require.Empty(t, found, "UUIDs made outside internal/uuid: use uuid.New")
}

// TestOneGUIDCheck: no other code of the module checks the GUID form: no
// function named isGUID (any case) and no regexp of a whole GUID outside
// this package. (A pattern that holds a GUID beside other forms, such as
// "a tenant id or a domain", is not a GUID check.)
func TestOneGUIDCheck(t *testing.T) {
	const guidPattern = "`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`"
	var found []string
	inspectModule(t, func(fset *token.FileSet, n ast.Node) {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if strings.EqualFold(n.Name.Name, "isGUID") {
				found = append(found, fset.Position(n.Pos()).String())
			}
		case *ast.BasicLit:
			if n.Kind == token.STRING && strings.EqualFold(n.Value, guidPattern) {
				found = append(found, fset.Position(n.Pos()).String())
			}
		}
	})
	require.Empty(t, found, "GUID checks outside internal/uuid: use uuid.IsGUID")
}

// inspectModule calls fn on every node of the module's non-test Go files
// outside this package.
func inspectModule(t *testing.T, fn func(*token.FileSet, ast.Node)) {
	t.Helper()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err, "the module root is two levels up")
	here, err := filepath.Abs(".")
	require.NoError(t, err)
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == here || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if n != nil {
				fn(fset, n)
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
}
