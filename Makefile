# The few verbs people type. Each is one of the project's scripts; read them for
# options (environment variables) and what they install.
.PHONY: run test check server help

help:
	@echo "make run     build and run the desktop app (scripts/run.sh)"
	@echo "make test    every test, in stages (scripts/test.sh)"
	@echo "make check   formatting and clippy only (scripts/test.sh fmt clippy)"
	@echo "make server  local PostgreSQL + the central server with demo accounts (scripts/server.sh)"

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

check:
	bash scripts/test.sh fmt clippy

server:
	bash scripts/server.sh
