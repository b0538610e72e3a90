import { Injectable } from '@nestjs/common';
import type { AvailableModel } from './availability';
import { AvailabilityService, assertModelType } from './availability.service';
import type { ModelType } from './registry-snapshot';
import { RegistryStateService } from './registry-state.service';
import { Selection, SelectionRequest, selectModel } from './select-model';

/**
 * Which provider/model a request should use: the pure selectModel() over the in-memory snapshot,
 * so a selection does no database query. Throws NoAvailableProviderError listing every candidate.
 */
@Injectable()
export class ModelSelectionService {
  constructor(
    private readonly state: RegistryStateService,
    private readonly availability: AvailabilityService,
  ) {}

  select(request: SelectionRequest): Selection {
    assertModelType(request?.modelType, true);
    return selectModel(this.state.current(), request);
  }

  getAvailableModels(modelType?: ModelType): AvailableModel[] {
    return this.availability.getAvailableModels(modelType);
  }
}
