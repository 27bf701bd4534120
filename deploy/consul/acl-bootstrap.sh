#!/bin/sh
# Consul's ACLs for the compose and Swarm stacks, as ./autopilot up makes them for the local one: one least-privilege
# policy per role (deploy/consul/policies/<role>.hcl, mounted at /acl/policies) and one token per role whose secret is the
# role's Docker secret (each server reads the agent's token from its configuration). Idempotent: a one-shot service that runs on every deploy and
# changes nothing already in place. The secrets are read from files and never printed.
set -eu
CONSUL_HTTP_TOKEN="$(cat /run/secrets/consul_master_token)"
export CONSUL_HTTP_TOKEN
tries=0
until consul acl token read -self >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -le 120 ] || { echo "consul-acl: Consul at $CONSUL_HTTP_ADDR did not accept the management token within 120 s" >&2; exit 1; }
  sleep 1
done
for role in agent silo gateway edge prometheus; do
  consul acl policy read -name "$role" >/dev/null 2>&1 ||
    consul acl policy create -name "$role" -description "the stack's $role" -rules "@/acl/policies/$role.hcl" >/dev/null
  secret="$(cat "/run/secrets/consul_${role}_token")"
  CONSUL_HTTP_TOKEN="$secret" consul acl token read -self >/dev/null 2>&1 ||
    consul acl token create -description "the stack's $role" -policy-name "$role" -secret "$secret" >/dev/null
done
echo "consul-acl: the policies and tokens of agent, silo, gateway, edge and prometheus are in place"
