#!/usr/bin/env bash
# Deploys a Relais release on Kubernetes, without Helm, in the order that keeps it safe:
#   1. namespace and ConfigMap (the Secret must exist already: see 11-secret.example.yaml);
#   2. the migration Job of the release, waited for: on failure, stop here (old pods keep running);
#   3. the api and worker Deployments (rolling), their Service, PodDisruptionBudgets and Ingress.
#
#   IMAGE_REGISTRY=registry.example.fr/relais IMAGE_TAG=0.1.0 docker/k8s/deploy.sh
set -euo pipefail
cd "$(dirname "$0")"
NAMESPACE=relais
REGISTRY=${IMAGE_REGISTRY:-registry.example.fr/relais}
TAG=${IMAGE_TAG:-0.1.0}

# The manifests name registry.example.fr/relais/<api|worker>:0.1.0; one tag for the Job and both Deployments.
apply() { sed -E "s#registry\.example\.fr/relais/(api|worker):[^ ]+#${REGISTRY}/\1:${TAG}#" "$@" | kubectl apply -f -; }

apply 00-namespace.yaml
apply 10-configmap.yaml
if ! kubectl -n "$NAMESPACE" get secret relais-secrets >/dev/null 2>&1; then
  echo "The Secret relais-secrets is missing in namespace $NAMESPACE: create it first (see 11-secret.example.yaml)." >&2
  exit 1
fi

# A Job's pod template cannot change: the previous release's Job goes, this release's runs.
kubectl -n "$NAMESPACE" delete job relais-migrate --ignore-not-found --wait=true
apply 20-migrate-job.yaml
echo "Waiting for the migrations (job/relais-migrate)…"
conditions=''
for _ in $(seq 1 450); do
  conditions=$(kubectl -n "$NAMESPACE" get job relais-migrate -o jsonpath='{.status.conditions[?(@.status=="True")].type}')
  if grep -qw Failed <<<"$conditions"; then
    kubectl -n "$NAMESPACE" logs job/relais-migrate --tail=50 >&2 || true
    echo "The migrations failed: nothing was rolled out." >&2
    exit 1
  fi
  if grep -qw Complete <<<"$conditions"; then break; fi
  sleep 2
done
grep -qw Complete <<<"$conditions" || { echo "The migrations did not finish in 15 minutes." >&2; exit 1; }

apply 30-api.yaml
apply 31-worker.yaml
apply 40-ingress.yaml
kubectl -n "$NAMESPACE" rollout status deployment/relais-api --timeout=10m
kubectl -n "$NAMESPACE" rollout status deployment/relais-worker --timeout=10m
