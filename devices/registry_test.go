package devices

import (
	"reflect"
	"testing"
)

func TestPhoneInfos(t *testing.T) {
	infos, err := PhoneInfos()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range infos {
		names = append(names, p.Name)
		if p.Description == "" {
			t.Errorf("%s: no description", p.Name)
		}
	}
	if !reflect.DeepEqual(names, Phones()) {
		t.Errorf("PhoneInfos names %v, Phones() %v", names, Phones())
	}
}
