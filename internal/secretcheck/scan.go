// Package secretcheck finds, from a module's source, the exported types that
// hold a secret, so that a test can insist each of them prints redacted. Its
// tests (an external test package, which may import the public packages
// without internal/ importing them) hold that table and the guard.
//
// It reads the source with go/parser and go/ast only, no type checker: a
// type holds a secret when one of its fields, exported or not, reached
// directly or through embedding, pointers, slices, arrays, maps, channels or
// type arguments, either
//
//   - has a secret name: its name, lower-cased, ends with one of [SecretNames]
//     ("AccessKey", "lastACSToken", "ClientState", "JoinURL", ...), or
//   - has a secret type: a type of the module that holds a secret, a named
//     string or []byte type with a secret name (chat.Passcode), or one of the
//     few types of other modules listed in [ExternalSecrets].
//
// Interfaces and functions are opaque: what they hold at run time is not
// the type's own state. Types of other modules not in ExternalSecrets are
// opaque too.
package secretcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// SecretNames are the endings of field (and string type) names that mark a
// secret, lower case: bearer tokens and the strings they are made from,
// keys, connection strings, Graph client states, meeting passcodes, the join
// links that may carry one, Event Grid secrets, and Call Automation's
// incoming call context (which answers a call). "key" also matches "keys",
// "token" also "tokens", and so on.
var SecretNames = []string{
	"token", "secret", "key", "password", "passcode", "clientstate",
	"connectionstring", "joinurl", "joinweburl", "meetinglink",
	"incomingcallcontext",
}

// ExternalSecrets are types of other modules that hold a secret, by import
// path and name.
var ExternalSecrets = map[string][]string{
	"github.com/Azure/azure-sdk-for-go/sdk/azcore":     {"AccessToken", "KeyCredential", "SASCredential"},
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity": {"ClientSecretCredential", "UsernamePasswordCredential", "OnBehalfOfCredential", "ClientAssertionCredential"},
	"crypto/rsa":     {"PrivateKey"},
	"crypto/ecdsa":   {"PrivateKey"},
	"crypto/ed25519": {"PrivateKey"},
}

// SecretName reports whether name, a field or type name, marks a secret.
func SecretName(name string) bool {
	n := strings.ToLower(name)
	n = strings.TrimSuffix(n, "s")
	for _, s := range SecretNames {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

// Finding is an exported type that holds a secret.
type Finding struct {
	// Type is the type's package import path and name, "path.Name".
	Type string
	// Via says how the secret is reached, e.g. "field opts → field
	// EventGridSecret (secret name)".
	Via string
}

// Scan reads the Go packages (test files excepted) of the module at root,
// whose module path is module, and returns the exported types of the
// packages listed (import paths) that hold a secret, sorted by Type. ignore
// lists fields whose name matches SecretNames but that hold no secret, as
// "path.Type.Field", with the reason as value.
func Scan(root, module string, pkgs []string, ignore map[string]string) ([]Finding, error) {
	s := &scanner{pkgs: map[string]*pkg{}, ignore: ignore, memo: map[string]*verdict{}}
	if err := s.load(root, module); err != nil {
		return nil, err
	}
	var out []Finding
	for _, p := range pkgs {
		pk, ok := s.pkgs[p]
		if !ok {
			return nil, fmt.Errorf("package %s not found under %s", p, root)
		}
		for name := range pk.types {
			if !ast.IsExported(name) {
				continue
			}
			if v := s.named(p, name); v.secret {
				out = append(out, Finding{Type: p + "." + name, Via: v.via})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out, nil
}

type pkg struct {
	path  string
	types map[string]typeDecl
}

type typeDecl struct {
	expr    ast.Expr
	imports map[string]string // name in the file → import path
}

type verdict struct {
	secret bool
	via    string
	// cut: the search met a type still being searched (a cycle) and took it
	// to hold no secret; such a "no" is not final, so it is not memoized.
	cut bool
}

type scanner struct {
	pkgs   map[string]*pkg
	ignore map[string]string
	memo   map[string]*verdict // nil entry: being searched
}

func (s *scanner) load(root, module string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); p != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		importPath := module
		if rel != "." {
			importPath = module + "/" + filepath.ToSlash(rel)
		}
		return s.loadDir(p, importPath)
	})
}

func (s *scanner) loadDir(dir, importPath string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	pk := &pkg{path: importPath, types: map[string]typeDecl{}}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		imports := map[string]string{}
		for _, im := range f.Imports {
			ip, _ := strconv.Unquote(im.Path.Value)
			local := path.Base(ip)
			if im.Name != nil {
				local = im.Name.Name
			} else if v := path.Base(ip); strings.HasPrefix(v, "v") && len(v) > 1 && v[1] >= '0' && v[1] <= '9' {
				local = path.Base(path.Dir(ip)) // ".../go-redis/v9" is package redis by convention
			}
			imports[local] = ip
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				pk.types[ts.Name.Name] = typeDecl{expr: ts.Type, imports: imports}
			}
		}
	}
	if len(pk.types) > 0 {
		s.pkgs[importPath] = pk
	}
	return nil
}

// named is the verdict on the type name declared in package path.
func (s *scanner) named(path, name string) verdict {
	key := path + "." + name
	if v, ok := s.memo[key]; ok {
		if v == nil {
			return verdict{cut: true}
		}
		return *v
	}
	pk, ok := s.pkgs[path]
	if !ok {
		for _, n := range ExternalSecrets[path] {
			if n == name {
				return verdict{secret: true, via: "type " + key}
			}
		}
		return verdict{}
	}
	d, ok := pk.types[name]
	if !ok {
		return verdict{}
	}
	s.memo[key] = nil
	var v verdict
	if isStringOrBytes(d.expr) && SecretName(name) {
		v = verdict{secret: true, via: "secret-named string type " + name}
	} else {
		v = s.expr(pk, key, d, d.expr)
	}
	if v.secret || !v.cut {
		v.cut = false
		s.memo[key] = &v
	} else {
		delete(s.memo, key)
	}
	return v
}

func isStringOrBytes(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "string"
	case *ast.ArrayType:
		id, ok := e.Elt.(*ast.Ident)
		return ok && e.Len == nil && id.Name == "byte"
	}
	return false
}

// expr is the verdict on a type expression of declaration d (named key) in
// package pk.
func (s *scanner) expr(pk *pkg, key string, d typeDecl, e ast.Expr) verdict {
	// first is the first secret verdict of es, or a "no" that is cut if any
	// of them was.
	first := func(es ...ast.Expr) verdict {
		var no verdict
		for _, e := range es {
			v := s.expr(pk, key, d, e)
			if v.secret {
				return v
			}
			no.cut = no.cut || v.cut
		}
		return no
	}
	switch e := e.(type) {
	case *ast.Ident:
		return s.named(pk.path, e.Name) // a predeclared name is not in pk.types
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		if !ok {
			return verdict{}
		}
		ip, ok := d.imports[x.Name]
		if !ok {
			return verdict{}
		}
		return s.named(ip, e.Sel.Name)
	case *ast.ParenExpr:
		return first(e.X)
	case *ast.StarExpr:
		return first(e.X)
	case *ast.ArrayType:
		return first(e.Elt)
	case *ast.ChanType:
		return first(e.Value)
	case *ast.MapType:
		return first(e.Key, e.Value)
	case *ast.IndexExpr:
		return first(e.X, e.Index)
	case *ast.IndexListExpr:
		return first(append([]ast.Expr{e.X}, e.Indices...)...)
	case *ast.StructType:
		var no verdict
		for _, f := range e.Fields.List {
			names := make([]string, 0, len(f.Names))
			for _, n := range f.Names {
				names = append(names, n.Name)
			}
			if len(names) == 0 {
				names = append(names, embeddedName(f.Type))
			}
			for _, n := range names {
				if _, ignored := s.ignore[key+"."+n]; !ignored && SecretName(n) {
					return verdict{secret: true, via: "field " + n + " (secret name)"}
				}
				v := first(f.Type)
				if v.secret {
					return verdict{secret: true, via: "field " + n + " → " + v.via}
				}
				no.cut = no.cut || v.cut
			}
		}
		return no
	}
	return verdict{} // interfaces, functions, predeclared types
}

func embeddedName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return embeddedName(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.IndexExpr:
		return embeddedName(e.X)
	case *ast.IndexListExpr:
		return embeddedName(e.X)
	}
	return ""
}
