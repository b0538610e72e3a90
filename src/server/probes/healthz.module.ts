import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthzController } from './healthz.controller';

@Module({ imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthzController] })
export class HealthzModule {}
