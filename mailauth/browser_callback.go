package mailauth

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
)

// callbackAnswer is what the provider sent the browser back with: the
// code, or why there is none.
type callbackAnswer struct {
	code string
	err  error
}

// callback serves the loopback redirect address. The first answer of the
// provider (a code or an error) goes to answers and ends the sign-in; the
// browser gets a plain page in English and Spanish saying how it went.
func (o *OAuth2) callback(state string, answers chan<- callbackAnswer) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if !q.Has("code") && !q.Has("error") {
			// Not the provider's answer (someone opened the address by
			// hand): the sign-in goes on.
			page(w, http.StatusBadRequest, "This address waits for the answer to a sign-in: open the one the terminal shows.",
				"Esta dirección espera la respuesta a un inicio de sesión: abra la que muestra la terminal.")
			return
		}
		var a callbackAnswer
		switch {
		case subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1:
			a.err = &HintError{Err: errors.New("sign in: the browser came back with an answer that is not for this sign-in (its state differs)"),
				Hint: "it came from an older sign-in or from another site; start the sign-in again"}
			page(w, http.StatusBadRequest,
				"Refused: this answer is not for the sign-in incidentd is waiting for. Start it again in the terminal.",
				"Rechazada: esta respuesta no es del inicio de sesión que incidentd espera. Vuelva a empezarlo en la terminal.")
		case q.Has("error"):
			a.err = o.refusedSignIn(q.Get("error"), q.Get("error_description"))
			page(w, http.StatusForbidden,
				"The sign-in did not succeed. The terminal says why; you can close this page.",
				"El inicio de sesión no se completó. La terminal indica por qué; puede cerrar esta página.")
		default:
			a.code = q.Get("code")
			page(w, http.StatusOK,
				"incidentd got the answer of the sign-in. You can close this page; the terminal says how it ended.",
				"incidentd recibió la respuesta del inicio de sesión. Puede cerrar esta página; la terminal indica cómo terminó.")
		}
		select {
		case answers <- a:
		default:
			// An answer came first; the sign-in is over.
		}
	})
	return mux
}

// refusedSignIn is the error of a provider that sent the browser back
// with an RFC 6749 error code (section 4.1.2.1) instead of a code. Both
// are quoted: they come from the address bar, which anyone can write.
func (o *OAuth2) refusedSignIn(code, description string) error {
	err := fmt.Errorf("sign in: the provider answered %q", code)
	if description != "" {
		err = fmt.Errorf("sign in: the provider answered %q: %q", code, description)
	}
	return &HintError{Err: err, Hint: o.hint(code)}
}

// page answers the browser with a short plain text in English and
// Spanish.
func page(w http.ResponseWriter, status int, english, spanish string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// An error here is a browser that went away: nobody to tell.
	_, _ = fmt.Fprintf(w, "%s\n\n%s\n", english, spanish)
}
