package models

import (
	"reflect"
	"testing"
)

// TestProfileCloneShares checks that DefaultProfile's copies equal the
// parsed profile and share none of its slices, at any depth: a slice field
// added to the profile's types and left out of clone fails here.
func TestProfileCloneShares(t *testing.T) {
	orig := parsedDefaultProfile()
	c := DefaultProfile()
	if !reflect.DeepEqual(orig, c) {
		t.Fatal("DefaultProfile differs from the parsed profile")
	}
	var walk func(a, b reflect.Value, path string)
	walk = func(a, b reflect.Value, path string) {
		switch a.Kind() {
		case reflect.Slice:
			if a.Len() > 0 && a.Pointer() == b.Pointer() {
				t.Errorf("%s: the copy shares the original's slice", path)
			}
			for i := 0; i < a.Len(); i++ {
				walk(a.Index(i), b.Index(i), path+"[]")
			}
		case reflect.Struct:
			for i := 0; i < a.NumField(); i++ {
				walk(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)
			}
		case reflect.Pointer, reflect.Map:
			if !a.IsNil() {
				t.Errorf("%s: a %s field; teach clone to copy it", path, a.Kind())
			}
		}
	}
	walk(reflect.ValueOf(orig).Elem(), reflect.ValueOf(c).Elem(), "Profile")
	c.Models[0].Layers[0].OutShape[0]++
	c.Models[0].Name = "changed"
	if again := DefaultProfile(); !reflect.DeepEqual(again, orig) || again.Models[0].Name == "changed" {
		t.Fatal("changing a copy changed the next DefaultProfile")
	}
}
