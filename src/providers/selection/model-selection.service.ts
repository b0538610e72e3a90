import { Injectable } from '@nestjs/common';
import { RegistryMetrics } from '../../metrics/registry-metrics';
import type { AvailableModel } from './availability';
import { AvailabilityService, assertModelType } from './availability.service';
import type { ModelType } from './registry-snapshot';
import { RegistryStateService } from './registry-state.service';
import { planSelection, Selection, SelectionPlan, SelectionRequest, selectModel } from './select-model';
import { NoAvailableProviderError } from './selection.errors';

/**
 * Which provider/model a request should use: the pure selectModel() over the in-memory snapshot,
 * so a selection does no database query. Throws NoAvailableProviderError listing every candidate.
 */
@Injectable()
export class ModelSelectionService {
  constructor(
    private readonly state: RegistryStateService,
    private readonly availability: AvailabilityService,
    private readonly metrics: RegistryMetrics,
  ) {}

  select(request: SelectionRequest): Selection {
    assertModelType(request?.modelType, true);
    try {
      const selection = selectModel(this.state.current(), request);
      this.metrics.selected(selection.source, selection.skipped);
      return selection;
    } catch (error) {
      if (error instanceof NoAvailableProviderError) this.metrics.noneAvailable(error.modelType, error.skipped);
      throw error;
    }
  }

  /** The chosen candidate and its fallbacks in order (planSelection), for a caller that retries the call elsewhere. */
  plan(request: SelectionRequest): SelectionPlan {
    assertModelType(request?.modelType, true);
    try {
      return planSelection(this.state.current(), request);
    } catch (error) {
      if (error instanceof NoAvailableProviderError) this.metrics.noneAvailable(error.modelType, error.skipped);
      throw error;
    }
  }

  getAvailableModels(modelType?: ModelType): AvailableModel[] {
    return this.availability.getAvailableModels(modelType);
  }
}
