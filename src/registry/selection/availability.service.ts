import { Injectable } from '@nestjs/common';
import { MODEL_TYPES } from '../catalog/catalog.types';
import { InvalidInputError } from '../kernel/registry.errors';
import { AvailableModel, checkAvailability, listAvailableModels, listAvailableProviders } from '../snapshot/availability';
import { Availability } from '../snapshot/registry-snapshot';
import type { ModelType, ProviderState } from '../snapshot/registry-snapshot';
import { RegistryStateService } from '../snapshot/registry-state.service';

export function assertModelType(modelType: ModelType | undefined, required = false): void {
  if ((required || modelType !== undefined) && !MODEL_TYPES.includes(modelType as ModelType)) {
    throw new InvalidInputError('modelType', `must be one of ${MODEL_TYPES.join(', ')}`);
  }
}

/** available = enabled ∧ usable credential ∧ not unhealthy ∧ offers the model type. No query: snapshot only. */
@Injectable()
export class AvailabilityService {
  constructor(private readonly state: RegistryStateService) {}

  getAvailableProviders(modelType?: ModelType): ProviderState[] {
    assertModelType(modelType);
    return listAvailableProviders(this.state.current(), modelType);
  }

  /** Whether the provider can serve now, and if not the reason (disabled, no credential, unhealthy, …). */
  isProviderAvailable(provider: string, modelType?: ModelType, model?: string): Availability {
    assertModelType(modelType);
    return checkAvailability(this.state.current(), provider, modelType, model);
  }

  getAvailableModels(modelType?: ModelType): AvailableModel[] {
    assertModelType(modelType);
    return listAvailableModels(this.state.current(), modelType);
  }
}
