package render

import (
	"reflect"
	"testing"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// TestViewHasEveryField checks that templates see every field of a notice
// and of its incident, with its value, under the name they would have in
// workflow.Notice.
func TestViewHasEveryField(t *testing.T) {
	var n workflow.Notice
	fill(t, reflect.ValueOf(&n).Elem())
	v := reflect.ValueOf(newView(store.Outgoing{Notice: n, IncidentID: n.Incident.ID}, "incidents@example.com"))
	same(t, "View", reflect.ValueOf(n), v)
	same(t, "View.Incident", reflect.ValueOf(n.Incident), v.FieldByName("Incident"))
}

// same checks that every visible field of want has its value in got,
// as a field of got itself.
func same(t *testing.T, name string, want, got reflect.Value) {
	t.Helper()
	for _, f := range reflect.VisibleFields(want.Type()) {
		if f.Anonymous || f.Name == "Incident" {
			continue
		}
		g, ok := got.Type().FieldByName(f.Name)
		if !ok || len(g.Index) != 1 {
			t.Errorf("%s has no field %s of its own", name, f.Name)
			continue
		}
		if w, gv := want.FieldByIndex(f.Index).Interface(), got.Field(g.Index[0]).Interface(); !reflect.DeepEqual(w, gv) {
			t.Errorf("%s.%s = %v, want %v", name, f.Name, gv, w)
		}
	}
}

// fill gives every settable field of the struct v a value that is not
// its zero value.
func fill(t *testing.T, v reflect.Value) {
	for _, f := range reflect.VisibleFields(v.Type()) {
		if f.Anonymous || !f.IsExported() {
			continue
		}
		fv := v.FieldByIndex(f.Index)
		switch fv.Kind() {
		case reflect.String:
			fv.SetString("v-" + f.Name)
		case reflect.Bool:
			fv.SetBool(true)
		case reflect.Int64, reflect.Int:
			fv.SetInt(7)
		case reflect.Slice:
			fv.Set(reflect.MakeSlice(fv.Type(), 1, 1))
		case reflect.Map:
			fv.Set(reflect.MakeMapWithSize(fv.Type(), 1))
			fv.SetMapIndex(reflect.ValueOf("k-"+f.Name).Convert(fv.Type().Key()), reflect.ValueOf("v").Convert(fv.Type().Elem()))
		case reflect.Pointer:
			fv.Set(reflect.New(fv.Type().Elem()))
		case reflect.Struct:
			if fv.Type() == reflect.TypeFor[time.Time]() {
				fv.Set(reflect.ValueOf(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)))
			} else {
				fill(t, fv)
			}
		default:
			t.Fatalf("field %s: no value for kind %s", f.Name, fv.Kind())
		}
	}
}
