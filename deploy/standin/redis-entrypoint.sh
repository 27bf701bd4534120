#!/bin/sh
# As the public redis image does: redis-server listens on every interface with protected mode off (the network is the
# compose project's own), unless the command says otherwise.
set -e
if [ "$1" = "redis-server" ]; then
  shift
  case " $* " in
    *" --protected-mode "*) ;;
    *) set -- "$@" --protected-mode no ;;
  esac
  exec redis-server "$@"
fi
exec "$@"
