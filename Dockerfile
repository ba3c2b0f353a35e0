# syntax=docker/dockerfile:1
# The publisher runtime image: `kfp-events publish` by default (see src/publisher/).

# Build: install every dependency, compile to lib/, then drop the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.js ./scripts/copy-assets.js
COPY src ./src
COPY imports ./imports
RUN npm ci && npm run build && npm prune --omit=dev

# Runtime: production dependencies and lib/ only, owned by root and read-only to the process.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOME=/tmp
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
# A numeric non-root user, so `runAsNonRoot` can verify it; nothing is written outside /tmp.
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["node", "lib/src/cli.js"]
CMD ["publish"]
