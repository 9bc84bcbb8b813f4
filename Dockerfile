# Device Desk container: TypeScript is compiled in the build stage; the runtime stage holds the
# compiled JavaScript, the production dependencies and the sandbox's config files, nothing else.
#   docker build -t device-desk .
#   docker compose up -d            (with Redis; see compose.yaml and docs/deploy.md)

# --- build: every dependency, then tsc writes dist/
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts are not needed to compile, and a dev tool's native keychain module can't build here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bot ./bot
COPY cards ./cards
COPY scripts ./scripts
RUN npm run build

# --- runtime: production dependencies and dist/ only, run as the image's unprivileged node user
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3978
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
USER node
EXPOSE 3978
# Liveness: /healthz answers 200 while the process serves HTTP. Readiness to take turns (Redis,
# tenants, queues; 503 while shutting down) is /readyz, for load balancers. SIGTERM (docker stop)
# finishes running turns and exits 0 within 10 s.
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--disable-warning=DEP0111", "--max-old-space-size=1024", "dist/src/index.js"]
