FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# The bundled engine (optional dependency) is not needed: compose runs the official image.
RUN npm ci --omit=optional --include=dev && npm cache clean --force
COPY . .
RUN npm run build
USER node
EXPOSE 3000
CMD ["npx", "tsx", "server/main.ts"]
