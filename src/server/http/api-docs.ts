import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const API_BODY_LIMIT = '64kb';

/** The OpenAPI 3 document at /api/docs-json and its interactive page at /api/docs, from the decorators. */
export function setUpApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('AI provider registry')
    .setDescription(
      'Providers, credentials (write-only secrets), availability and model selection. ' +
        'Answers are `{ data, meta, status, message }`; errors add `errors: [{ field, rule, message }]`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token (admin writes, viewer reads)' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
