#!/usr/bin/env bash
# Deploy step of m365agents.yml: builds the Dockerfile in Azure Container Registry (no local
# Docker needed) and hands the image to the next step as CONTAINER_IMAGE.
# Needs the Azure CLI signed in to the same subscription (az login).
set -euo pipefail
: "${AZURE_CONTAINER_REGISTRY_NAME:?run atk provision first: it creates the registry}"
: "${AZURE_CONTAINER_REGISTRY_LOGIN_SERVER:?run atk provision first: it creates the registry}"
tag="${TEAMSFX_ENV:-dev}-$(git rev-parse --short=12 HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)"
az acr build --registry "$AZURE_CONTAINER_REGISTRY_NAME" --image "device-desk:${tag}" --file Dockerfile . >&2
echo "::set-teamsfx-env CONTAINER_IMAGE=${AZURE_CONTAINER_REGISTRY_LOGIN_SERVER}/device-desk:${tag}"
