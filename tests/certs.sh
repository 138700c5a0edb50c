# Certificates for the tests that run the bus over mutual TLS (sourced by
# tests/t_tls_listener.sh and tests/hosts/t_hosts.sh), made with openssl
# in the current directory.
#   mkca NAME            NAME.key, NAME.crt: a self-signed CA
#   leaf CA NAME HOST    NAME.pem: a certificate for HOST (subjectAltName
#                        DNS: mbedtls in Debian 12 does not match IP
#                        addresses) signed by CA, with its key
mkca() { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.crt" -days 2 -subj "/CN=$1" >/dev/null 2>&1; }
leaf() {
	openssl req -newkey rsa:2048 -nodes -keyout "$2.key" -out "$2.csr" -subj "/CN=$3" >/dev/null 2>&1 &&
		printf 'subjectAltName=DNS:%s\n' "$3" >"$2.ext" &&
		openssl x509 -req -in "$2.csr" -CA "$1.crt" -CAkey "$1.key" -CAcreateserial \
			-out "$2.crt" -days 2 -extfile "$2.ext" >/dev/null 2>&1 &&
		cat "$2.crt" "$2.key" >"$2.pem" && chmod 600 "$2.pem"
}
